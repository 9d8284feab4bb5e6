# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="Both Celery workers stop consuming jobs.env.create (cancel_consumer): workers online, 0 consumers"

inject() {
    backend runuser -u celery -- sh -c 'cd /srv/mbpanel && /srv/mbpanel/venv/bin/celery \
        -A app.worker:celery_app control --timeout 5 cancel_consumer jobs.env.create'
}

heal() {
    backend systemctl restart celery
}
