import pytest

import factories as f


@pytest.fixture
def tech():
    return f.user(name="Wang Gong")
