# As the administrator (NATS_CREDS=creds/admin.nk, NATS_CA=certs/ca.pem on the secured cluster),
# once no subscriber of the old release runs, before the new one starts: copy the shared bucket's records.
npx alliance recover migrate-processed
# Run it again at will: it copies nothing twice and never replaces a record already there.
# When the report names no unmigratable key, remove the shared bucket (every owner could read it).
npx alliance recover migrate-processed --delete-old
