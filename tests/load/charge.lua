-- wrk script: POSTs form-encoded charges to /v1/charges as Stripe's clients send them, with
-- 50,000 buyers (each with a test-mode card, an email and an IP) and a few amounts, so velocity
-- entities vary as in ordinary traffic.
-- The API key comes from $WARD_API_KEY.

local key = os.getenv("WARD_API_KEY") or "sk_test_load"
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

local amounts = { 500, 1200, 2000, 4999, 12500, 89900 }
local counter = 0

-- A Luhn-valid 16-digit test-mode card number from 15 digits.
local function luhn(digits)
  local sum, double = 0, true
  for i = #digits, 1, -1 do
    local d = tonumber(digits:sub(i, i))
    if double then d = d * 2; if d > 9 then d = d - 9 end end
    sum = sum + d
    double = not double
  end
  return digits .. tostring((10 - sum % 10) % 10)
end

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
end

function request()
  counter = counter + 1
  -- One of 50,000 buyers, each with their own card, email and IP: ordinary traffic, where a
  -- buyer pays a few times an hour at most.
  local buyer = math.random(50000)
  local body = "amount=" .. amounts[math.random(#amounts)]
    .. "&currency=usd&source[number]=" .. luhn(string.format("4%014d", buyer))
    .. "&source[exp_month]=12&source[exp_year]=2031"
    .. "&receipt_email=buyer" .. buyer .. "%40example.com"
    .. "&client[ip_address]=10." .. (buyer % 200) .. "." .. (buyer % 199) .. "." .. (buyer % 197)
    .. "&metadata[n]=" .. counter
  return wrk.format(nil, nil, nil, body)
end
