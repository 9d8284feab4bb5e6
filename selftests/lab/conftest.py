import pytest
from labstate import CREDENTIALS_FILE, read_env_file


@pytest.fixture(scope="session")
def credentials() -> dict[str, str]:
    """Return the variables `make lab-up` wrote to .lab/credentials.env."""
    if not CREDENTIALS_FILE.is_file():
        pytest.fail(
            f"{CREDENTIALS_FILE} not found: boot the lab with `make lab-up` first",
            pytrace=False,
        )
    return read_env_file(CREDENTIALS_FILE)
