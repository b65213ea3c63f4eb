"""customer_value: LRFM customer value segmentation on dbt.

The dbt project transforms; this package loads the input, runs `dbt build`,
publishes the marts and measures the whole (the `customer-value` command, see
customer_value.cli), and holds the Python the dbt Python models import.
"""

__version__ = "1.0.0"
