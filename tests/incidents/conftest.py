"""The incident fixtures live in tests/conftest.py, shared by every test folder."""
