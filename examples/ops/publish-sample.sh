# Five signed bulletins from France, as a ministry system would publish them.
for i in 1 2 3 4 5; do
  ALLIANCE_KEY=keys/fr.jwk npx alliance publish crime bulletin --data "$EXAMPLES/data/crime-bulletin.json" --json
done
