"""Chat widgets shared by several feature routers (handlers must not import one another)."""
