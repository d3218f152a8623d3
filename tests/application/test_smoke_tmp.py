from application.permissions import Principal
def test_smoke(principal: Principal) -> None:
    assert principal.login == "SPR"
