# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="httpd.conf event block shrunk to 4 request slots (2 processes x 2 threads), ping slowed to 300 ms: a burst logs AH10159/AH00484"

inject() {
    # Idle, the two processes keep 4 threads free and Apache logs nothing.
    # A burst that leaves fewer than MinSpareThreads (3) idle makes it log
    # AH10159, and AH00484 once all 4 threads are busy.
    edit_backend_file /etc/httpd/conf/httpd.conf '/<IfModule mpm_event_module>/,/<\/IfModule>/{
        s/^\( *ServerLimit *\)16$/\12/
        s/^\( *ThreadLimit *\)64$/\12/
        s/^\( *StartServers *\)3$/\12/
        s/^\( *MinSpareThreads *\)75$/\13/
        s/^\( *MaxSpareThreads *\)250$/\15/
        s/^\( *ThreadsPerChild *\)25$/\12/
        s/^\( *MaxRequestWorkers *\)150$/\14/
    }'
    # Apache's parent looks at its threads once a second. Each ping holding a
    # thread for 300 ms keeps all 4 busy through that look during a burst, so the
    # warning is logged every time, not only when a look happens to land on a peak.
    edit_backend_file /etc/mbpanel/app.conf 's/^ping_delay_ms = 0$/ping_delay_ms = 300/'
    # ServerLimit and ThreadLimit change only on a full restart.
    restart_httpd
}

heal() {
    restore_backend_file /etc/mbpanel/app.conf || true
    if restore_backend_file /etc/httpd/conf/httpd.conf; then
        restart_httpd
    fi
}
