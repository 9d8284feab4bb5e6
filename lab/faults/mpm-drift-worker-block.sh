# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="httpd.conf MaxRequestWorkers 100 in the mpm_worker_module block only (event block keeps 150)"

inject() {
    edit_backend_file /etc/httpd/conf/httpd.conf \
        '/<IfModule mpm_worker_module>/,/<\/IfModule>/s/^\( *MaxRequestWorkers *\)150$/\1100/'
    reload_httpd
}

heal() {
    if restore_backend_file /etc/httpd/conf/httpd.conf; then
        reload_httpd
    fi
}
