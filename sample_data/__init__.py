"""The synthetic sample city 临江市（示例） and its seeder (see README.md and ``seed.seed_city``)."""
