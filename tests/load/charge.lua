-- wrk script: POSTs form-encoded charges to /v1/charges as Stripe's clients send them, with
-- the buyers of buyers.lua. The API key comes from $WARD_API_KEY.

-- Loaded from this script's folder, wherever wrk is run from.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "buyers.lua")

function payment_fields(amount, number, email)
  return "amount=" .. amount .. "&currency=usd&source[number]=" .. number
    .. "&source[exp_month]=6&source[exp_year]=2028&receipt_email=" .. email
end
