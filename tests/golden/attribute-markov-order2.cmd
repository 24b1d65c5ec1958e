# Order-2 Markov on the worked example, JSON with the transitions.
args: attribute --paths inputs/attribution-worked.csv --model markov --order 2 --transitions
