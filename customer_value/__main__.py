"""`python -m customer_value ...` is the `customer-value` command."""

from customer_value.cli import entry

entry()
