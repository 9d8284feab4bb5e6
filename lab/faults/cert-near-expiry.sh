# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="Backend TLS certificate reissued by the lab CA valid for 3 days only, applied with a graceful reload"

CERT=/etc/pki/tls/certs/backend.lab.test.crt

inject() {
    local work
    work=$(mktemp -d)
    # Same key and names as the lab's certificate; only the validity differs.
    printf '%s\n' "subjectAltName=DNS:backend.lab.test,IP:127.0.10.10" \
        "extendedKeyUsage=serverAuth" >"$work/ext"
    openssl req -new -key "$SECRETS_DIR/backend.key" -subj "/CN=backend.lab.test" \
        -out "$work/csr" 2>/dev/null
    openssl x509 -req -in "$work/csr" -CA "$SECRETS_DIR/ca.crt" -CAkey "$SECRETS_DIR/ca.key" \
        -CAcreateserial -CAserial "$work/serial" -days 3 -extfile "$work/ext" \
        -out "$work/crt" 2>/dev/null
    backend sh -c 'cat >"$1"' sh "$CERT" <"$work/crt"
    rm -rf "$work"
    reload_httpd
    wait_for "the 3-day certificate to be served" cert_days_below 4
}

cert_days_below() {
    local days
    days=$("$FAULTS_DIR/lib/probe" cert-days) || return 1
    awk -v d="$days" -v max="$1" 'BEGIN { exit !(d < max) }'
}

heal() {
    if restore_backend_file "$CERT"; then
        reload_httpd
    fi
}
