# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="API setting ping_delay_ms=30000: /api/v1/health/ping holds each request 30 s, past client timeouts"

inject() {
    # The API reads this setting at every ping, so no reload is needed.
    edit_backend_file /etc/mbpanel/app.conf 's/^ping_delay_ms = 0$/ping_delay_ms = 30000/'
}

heal() {
    restore_backend_file /etc/mbpanel/app.conf || true
}
