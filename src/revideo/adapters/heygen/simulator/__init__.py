"""
A faithful local HeyGen: both API versions, a render queue on a controllable
clock, presigned expiring file URLs serving real MP4s, signed webhooks, credits,
and faults on demand.

    with HeyGenSimulator(api_key="sim-key", speed=0) as sim:
        engine = HeyGenEngine("sim-key", base_url=sim.base_url)
        ...
        sim.advance(60)   # renders move on; webhooks go out
"""

from revideo.adapters.heygen.simulator.clock import SimClock
from revideo.adapters.heygen.simulator.faults import KINDS as FAULT_KINDS
from revideo.adapters.heygen.simulator.server import HeyGenSimulator

__all__ = ["FAULT_KINDS", "HeyGenSimulator", "SimClock"]
