# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="API setting ping_delay_ms=2000: /api/v1/health/ping answers 200 after about 2 s"

inject() {
    # The API reads this setting at every ping, so no reload is needed.
    edit_backend_file /etc/mbpanel/app.conf 's/^ping_delay_ms = 0$/ping_delay_ms = 2000/'
}

heal() {
    restore_backend_file /etc/mbpanel/app.conf || true
}
