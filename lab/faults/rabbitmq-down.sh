# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="RabbitMQ stopped on the deps node: port 127.0.10.33:5672 closed, /api/v1/health/ready fails naming rabbitmq"

inject() {
    in_node deps systemctl stop rabbitmq-server
    wait_for "port 127.0.10.33:5672 to close" port_closed 127.0.10.33 5672
}

heal() {
    in_node deps systemctl start rabbitmq-server
    wait_for "port 127.0.10.33:5672 to open" port_answers 127.0.10.33 5672
}
