"""Shared by tests and benchmarks: throwaway servers, the app launcher."""
