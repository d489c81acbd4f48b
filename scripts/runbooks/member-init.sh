#!/bin/sh
# At the ministry, on its own machine (docs/operations.md, "Founding and joining"): its signing key,
# broker seed and encryption key are made in its own folder and never leave it. Only the public
# bundle <code>.bundle.json is sent to the host (by e-mail, on paper as a QR code: it is public;
# what matters is that the host checks its thumbprints with the ministry by telephone).
set -eu
CODE=${CODE:?the member code, e.g. fr}
MINISTRY_DIR=${MINISTRY_DIR:-ministry-keys}
# Founding members are in config/alliance.json; an applicant names itself.
if [ -n "${COUNTRY:-}" ]; then
  alliance member init --code "$CODE" --out "$MINISTRY_DIR" --country "$COUNTRY" --ministry "$MINISTRY" --lang "$LANG_CODE" --contact "${CONTACT:-International cooperation}"
else
  alliance member init --code "$CODE" --out "$MINISTRY_DIR"
fi
