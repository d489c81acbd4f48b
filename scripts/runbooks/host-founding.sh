#!/bin/sh
# At the host, once every founding ministry's bundle is in $BUNDLES: the founding directory, the
# secretariat's own key, the broker's accounts config and TLS, from public bundles alone.
set -eu
BUNDLES=${BUNDLES:-bundles}
HOST_DIR=${HOST_DIR:-host}
alliance keys directory --bundles "$BUNDLES" --out "$HOST_DIR/keys"
alliance creds init --bundles "$BUNDLES" --out "$HOST_DIR/creds"
alliance certs init --out "$HOST_DIR/certs"
