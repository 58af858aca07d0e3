"""What a governor sees: the club's benchmarks under rule 7, with its consenting suppliers placed on them."""
