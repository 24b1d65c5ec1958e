# Order-1 Markov on the worked example, with the transition matrix.
args: attribute --paths inputs/attribution-worked.csv --model markov --transitions --format text
