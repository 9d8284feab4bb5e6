# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="Backend serves a self-signed certificate instead of the lab CA's: TLS verification fails"

CERT=/etc/pki/tls/certs/backend.lab.test.crt

inject() {
    local work
    work=$(mktemp -d)
    # Same key and names, but signed by itself, so only the trust chain breaks.
    openssl req -x509 -key "$SECRETS_DIR/backend.key" -subj "/CN=backend.lab.test" \
        -addext "subjectAltName=DNS:backend.lab.test,IP:127.0.10.10" \
        -days 30 -out "$work/crt" 2>/dev/null
    backend sh -c 'cat >"$1"' sh "$CERT" <"$work/crt"
    rm -rf "$work"
    reload_httpd
    wait_for "the self-signed certificate to be served" tls_fails
}

tls_fails() { ! "$FAULTS_DIR/lib/probe" cert-days >/dev/null 2>&1; }

heal() {
    if restore_backend_file "$CERT"; then
        reload_httpd
    fi
}
