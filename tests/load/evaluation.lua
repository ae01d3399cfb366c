-- wrk script: POSTs form-encoded payment evaluations to /v1/radar/payment_evaluations, as
-- Stripe's clients send them (with a card hash, Ward's test extension), with the buyers of
-- buyers.lua. The API key comes from $WARD_API_KEY.

-- Loaded from this script's folder, wherever wrk is run from.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "buyers.lua")

local card = "&payment_details[payment_method_details][payment_method]"

function payment_fields(amount, number, email)
  return "payment_details[amount]=" .. amount .. "&payment_details[currency]=usd"
    .. card .. "[number]=" .. number .. card .. "[exp_month]=6" .. card .. "[exp_year]=2028"
    .. "&customer_details[email]=" .. email
end
