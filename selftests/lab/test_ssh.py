"""Every SSH node accepts the lab key for its runbook user, and only that."""

import paramiko
import pytest
from labstate import SSH_NODES, SshNode

pytestmark = pytest.mark.lab


def connect(node: SshNode, credentials: dict[str, str]) -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    client.load_host_keys(credentials["LAB_KNOWN_HOSTS"])
    # Unknown or changed host keys fail the test instead of being trusted.
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(
        node.address,
        username=node.user,
        key_filename=credentials["LAB_SSH_KEY"],
        look_for_keys=False,
        allow_agent=False,
        timeout=5,
    )
    return client


def run(client: paramiko.SSHClient, command: str) -> tuple[int, str]:
    _, stdout, _ = client.exec_command(command, timeout=20)
    output = stdout.read().decode().strip()
    return stdout.channel.recv_exit_status(), output


@pytest.mark.parametrize("node", SSH_NODES, ids=lambda node: node.name)
def test_ssh_login_with_lab_key(node, credentials):
    client = connect(node, credentials)

    with client:
        status, user = run(client, "id -un")
        _, hostname = run(client, "hostname")
        _, ssh_state = run(client, "systemctl is-active ssh")

    assert status == 0
    assert user == node.user
    assert hostname == node.name
    assert ssh_state == "active"


@pytest.mark.parametrize("node", SSH_NODES, ids=lambda node: node.name)
def test_ssh_rejects_root_login(node, credentials):
    root_node = SshNode(node.name, node.address, "root")

    with pytest.raises(paramiko.AuthenticationException):
        connect(root_node, credentials)


@pytest.mark.parametrize("node", SSH_NODES, ids=lambda node: node.name)
def test_ssh_rejects_passwords(node):
    transport = paramiko.Transport((node.address, 22))
    transport.connect()

    with pytest.raises(paramiko.BadAuthenticationType) as error:
        transport.auth_password(node.user, "not-the-password")
    transport.close()

    assert error.value.allowed_types == ["publickey"]
