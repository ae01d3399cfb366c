-- The load shared by the wrk scripts (charge.lua, evaluation.lua): mostly new buyers (each
-- with a test-mode card, an email and an IP), a few repeat ones, and a few amounts, so velocity
-- entities vary as in ordinary traffic. Defines wrk's `init` and `request`; the script that
-- loads it defines `payment_fields(amount, number, email)`, the endpoint's own parameters.
-- The API key comes from $WARD_API_KEY.

local key = os.getenv("WARD_API_KEY") or "sk_test_load"
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

-- Mostly everyday amounts, now and then a large one.
local amounts = { 1500, 2000, 2500, 3000, 4200, 4999, 2200, 1800, 3500, 12500 }
local counter = 0

-- A name-like email local part from a number (letters only: digits in an address are a risk
-- signal of their own).
local function letters(n)
  local out = ""
  repeat
    out = out .. string.char(97 + n % 26)
    n = math.floor(n / 26)
  until n == 0
  return out
end

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

local seed = 0

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
  -- Each run starts its fresh buyers elsewhere, so a reused data folder sees new ones.
  seed = (os.time() % 100000) * 1000000
end

function request()
  counter = counter + 1
  -- Ordinary traffic: 97% of payments come from buyers not seen before (a fresh card, email
  -- and IP each); 3% repeat one of 500 buyers within seconds, whose velocity raises their risk
  -- (most of the manual reviews in the outcome mix; few reach a block).
  local buyer
  if math.random(100) <= 3 then
    buyer = math.random(500)
  else
    buyer = 1000 + counter * 7 + math.random(7) - 1 + seed
  end
  local body = payment_fields(amounts[math.random(#amounts)], luhn(string.format("4%014d", buyer % 100000000000000)),
      letters(buyer) .. "%40example.com")
    .. "&client[ip_address]=10." .. (math.floor(buyer / 65536) % 256) .. "." .. (math.floor(buyer / 256) % 256) .. "." .. (buyer % 256)
    .. "&metadata[n]=" .. counter
  return wrk.format(nil, nil, nil, body)
end
