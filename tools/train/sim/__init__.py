"""The payment simulator behind ``tools/train/simulate.py``, module by module.

* ``constants``: the static world (countries and cities, currencies, datacenters, names, email domains,
  user agents, shopping hours, merchant categories, where stolen cards and fraud rings come from);
* ``randomness``: the random draws the simulation uses (Poisson, weighted choice, log-normal);
* ``units``: money and calendar conversions (USD to minor units and back, months to card expiry dates);
* ``entities``: identifiers, cards, addresses, cardholders, merchants, customers and payment attempts;
* ``world``: the population and the ordinary traffic (``World``);
* ``fraud_attempts``: how the world plans card testing, stolen-card sessions and account takeovers;
* ``history``: what the platform knows before each payment, and the context attributes computed from it;
* ``replay``: the time-ordered replay that decides outcomes and labels and writes the files (``Replay``);
* ``fraud_payments``: how the replay turns each fraud attempt into a payment.
"""
