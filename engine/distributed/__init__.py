"""Several processes on torch.distributed: ``torchrun`` launched by a job, DDP training, sharded task runs.

``launch`` (job side) starts the ranks and relays what rank 0 reports; ``rank_main`` is each rank's entry
point; ``ranks`` holds the collective helpers; ``shard`` splits work between ranks.
"""
