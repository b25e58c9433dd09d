"""What the error does to real work: exports for approximate-DNN tools, networks, images."""
