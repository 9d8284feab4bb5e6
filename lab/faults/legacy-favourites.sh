# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="Retired route /api/v1/favourites enabled again (401 without a session instead of 404)"

inject() {
    edit_backend_file /etc/mbpanel/app.conf \
        's/^legacy_favourites_route = false$/legacy_favourites_route = true/'
    reload_httpd
    wait_for "/api/v1/favourites to answer" route_status_is /api/v1/favourites 401
}

heal() {
    if restore_backend_file /etc/mbpanel/app.conf; then
        reload_httpd
        wait_for "/api/v1/favourites to be gone" route_status_is /api/v1/favourites 404
    fi
}
