import pytest
from django.test import Client

from api.tokens import create_token


class ApiClient:
    """Talks JSON to the API with a person's personal access token."""

    def __init__(self, secret: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path, params=None):
        return self.client.get(f"/api/v1{path}", params or {}, headers=self.headers)

    def post(self, path, body):
        return self.client.post(f"/api/v1{path}", body, content_type="application/json", headers=self.headers)

    def patch(self, path, body):
        return self.client.patch(f"/api/v1{path}", body, content_type="application/json", headers=self.headers)


@pytest.fixture
def api_as():
    def make(user, scope="write"):
        _, secret = create_token(user, name=f"{scope} token", scope=scope)
        return ApiClient(secret)

    return make
