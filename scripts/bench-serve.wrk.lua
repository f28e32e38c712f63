-- wrk script for scripts/bench-serve.sh: every request asks for another code (so the server
-- decodes each one rather than answering the same thing), or another point's neighbours.
-- LATENT_ENDPOINT: "decode" or "neighbors"; LATENT_DIM: the model's latent size;
-- LATENT_POINTS: the data set's point count.
local endpoint = os.getenv("LATENT_ENDPOINT") or "decode"
local dim = tonumber(os.getenv("LATENT_DIM") or "2")
local points = tonumber(os.getenv("LATENT_POINTS") or "10000")
local counter = 0

request = function()
  counter = counter + 1
  if endpoint == "neighbors" then
    return wrk.format("GET", string.format("/api/datasets/0/neighbors?k=10&index=%d", (counter * 7919) % points))
  end
  local z = {}
  for j = 1, dim do
    z[j] = string.format("%.4f", 2.5 * math.sin(counter * 0.37 + j * 1.7))
  end
  return wrk.format("GET", "/api/models/0/decode?scale=4&z=" .. table.concat(z, ","))
end
