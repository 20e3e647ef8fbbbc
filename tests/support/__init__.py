"""Small helpers shared by the test areas (importable because tests/ is on sys.path: pytest
puts the folder of tests/conftest.py there)."""
