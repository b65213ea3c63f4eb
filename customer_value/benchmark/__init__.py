"""`customer-value benchmark`: the build against the alternatives, at several sizes
(customer_value.benchmark.cli explains what it runs and measures)."""
