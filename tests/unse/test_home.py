import pytest


@pytest.mark.django_db
async def test_home_page_is_korean(async_client):
    response = await async_client.get("/")
    assert response.status_code == 200
    assert "사주" in response.content.decode()
