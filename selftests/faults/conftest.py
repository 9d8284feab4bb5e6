import pytest
import suiterun


@pytest.fixture(scope="session")
def healed_lab():
    """Start from a healthy lab and leave one behind, whatever the tests did."""
    if not (suiterun.STATE_DIR / "credentials.env").is_file():
        pytest.fail(
            f"{suiterun.STATE_DIR / 'credentials.env'} not found: boot the lab with "
            "`make lab-up` first",
            pytrace=False,
        )
    suiterun.heal()
    yield
    suiterun.heal()
