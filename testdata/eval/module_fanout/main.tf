# 1000 instances of the innermost key, past a budget of 50: the rest is analysed once with an
# unknown index, and the finding on the key lists a few instances and how many more there are.
module "root" {
  source = "./m0"
}
