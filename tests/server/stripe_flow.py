"""The Radar flow through Stripe's official Python SDK pointed at `ward serve`.

Usage: python stripe_flow.py <port> <api key>
"""

import sys
import time

import stripe

port, key = sys.argv[1], sys.argv[2]
client = stripe.StripeClient(key, base_addresses={"api": f"http://127.0.0.1:{port}"}, max_network_retries=0)
v1 = client.v1
tag = format(int(time.time() * 1000), "x")


def ok(step: str) -> None:
    print(f"ok - {step}")


# Value list and item.
lst = v1.radar.value_lists.create(params={"alias": f"py_ips_{tag}", "name": "Blocked IPs", "item_type": "ip_address"})
item = v1.radar.value_list_items.create(params={"value_list": lst.id, "value": "203.0.113.0/24"})
assert item.value_list == lst.id
ok("value list and item")

# A normal charge, and a blocked one raising CardError with the charge id.
normal = v1.charges.create(params={"amount": 1800, "currency": "usd", "source": "tok_visa_debit", "receipt_email": f"py-{tag}@example.com"})
# After the Node flow on the same account, velocity may lift it to review: it still succeeds.
assert normal.status == "succeeded" and normal.outcome.type in ("authorized", "manual_review"), normal.outcome
try:
    v1.charges.create(params={"amount": 1800, "currency": "usd", "source": "tok_radarBlock"})
    raise AssertionError("tok_radarBlock was not blocked")
except stripe.CardError as e:
    assert e.http_status == 402 and e.code == "card_declined"
    blocked_id = e.json_body["error"]["charge"]
assert v1.charges.retrieve(blocked_id).status == "failed"
ok(f"charge {normal.outcome.type} (risk_score {normal.outcome.risk_score}), blocked charge raised CardError")

# Elevated risk opens a review; approving closes it.
elevated = v1.charges.create(params={"amount": 5000, "currency": "usd", "source": "tok_riskLevelElevated"})
assert elevated.outcome.type == "manual_review" and elevated.review
review = v1.reviews.approve(elevated.review)
assert review.closed_reason == "approved" and review.open is False
ok("review approved")

# Refund as fraudulent grows the default block list; marking safe fills the allow list.
before = len(v1.radar.value_list_items.list(params={"value_list": "rsl_default_block_email", "limit": 100}).data)
refund = v1.refunds.create(params={"charge": normal.id, "reason": "fraudulent"})
assert refund.status == "succeeded"
after = v1.radar.value_list_items.list(params={"value_list": "rsl_default_block_email", "limit": 100}).data
assert len(after) == before + 1 and any(i.value == f"py-{tag}@example.com" for i in after)
safe = v1.charges.create(params={"amount": 700, "currency": "usd", "source": "tok_jcb", "receipt_email": f"pysafe-{tag}@example.com"})
v1.charges.update(safe.id, params={"fraud_details": {"user_report": "safe"}})
allow = v1.radar.value_list_items.list(params={"value_list": "rsl_default_allow_email", "limit": 100}).data
assert any(i.value == f"pysafe-{tag}@example.com" for i in allow)
ok("refund as fraudulent and mark as safe teach the default lists")

# A payment evaluation, as a merchant scoring before an outside processor sends it.
evaluation = v1.radar.payment_evaluations.create(
    params={
        "customer_details": {"email": f"pyeval-{tag}@example.com", "name": "Eve"},
        "payment_details": {
            "amount": 2200,
            "currency": "usd",
            "payment_method_details": {"payment_method": "pm_card_unionpay"},
            "money_movement_details": {
                "money_movement_type": "card",
                "card": {"customer_presence": "on_session", "payment_type": "one_off"},
            },
        },
    }
)
assert evaluation.object == "radar.payment_evaluation" and evaluation.payment_details.amount == 2200
assert evaluation.recommended_action in ("continue", "block", "request_three_d_secure")
assert evaluation.signals.fraudulent_payment.risk_level in ("normal", "elevated", "highest")
ok(f"payment evaluation {evaluation.id}: {evaluation.recommended_action}")

# Errors carry the parameter.
try:
    v1.charges.create(params={"currency": "usd"})
    raise AssertionError("a charge without amount was accepted")
except stripe.InvalidRequestError as e:
    assert e.param == "amount" and e.http_status == 400
ok("errors name the parameter")
print("python SDK flow passed")
