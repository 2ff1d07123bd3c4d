import factories as f
import pytest


@pytest.fixture
def tech():
    return f.user(name="Wang Gong")
