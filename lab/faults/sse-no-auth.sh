# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="API setting sse_require_auth=false: /api/v1/events/stream streams without a session cookie"

inject() {
    edit_backend_file /etc/mbpanel/app.conf 's/^sse_require_auth = true$/sse_require_auth = false/'
    reload_httpd
    wait_for "the stream to open without a cookie" route_status_is /api/v1/events/stream 200
}

heal() {
    if restore_backend_file /etc/mbpanel/app.conf; then
        reload_httpd
        wait_for "the stream to require a cookie" route_status_is /api/v1/events/stream 401
    fi
}
