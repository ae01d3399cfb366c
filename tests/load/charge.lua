-- wrk script: POSTs form-encoded charges to /v1/charges as Stripe's clients send them, with
-- cards (20,000 test-mode numbers), e-mails, client IPs and amounts drawn from pools so that
-- velocity entities vary as in real traffic.
-- The API key comes from $WARD_API_KEY.

local key = os.getenv("WARD_API_KEY") or "sk_test_load"
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

local emails, ips = {}, {}
for i = 1, 64 do
  emails[i] = "buyer" .. i .. "%40example.com"
end
for i = 1, 32 do
  ips[i] = "203.0." .. (113 + i % 3) .. "." .. i
end
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
  local body = "amount=" .. amounts[math.random(#amounts)]
    .. "&currency=usd&source[number]=" .. luhn(string.format("4%014d", math.random(20000)))
    .. "&source[exp_month]=12&source[exp_year]=2031"
    .. "&receipt_email=" .. emails[math.random(#emails)]
    .. "&client[ip_address]=" .. ips[math.random(#ips)]
    .. "&metadata[n]=" .. counter
  return wrk.format(nil, nil, nil, body)
end
