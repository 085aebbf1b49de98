"""The parts of `generate.py`: how deliveries are signed (`schemes`), the events they must
give (`events`), building cases (`cases`), one module per vector file family, and the
answers of `process` and the inbox (`outcomes`)."""
