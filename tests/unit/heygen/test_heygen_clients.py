"""Each polling thread has an HTTP client of its own; those of ended threads are closed."""

from __future__ import annotations

import threading

import httpx

from revideo.adapters.heygen.http import ClientPerThread


def test_threads_get_their_own_clients_and_ended_ones_are_closed() -> None:
    made: list[httpx.Client] = []

    def make() -> httpx.Client:
        made.append(httpx.Client())
        return made[-1]

    clients = ClientPerThread(make)
    mine = clients.get()
    assert clients.get() is mine, "the same thread keeps its client"
    seen: list[httpx.Client] = []
    worker = threading.Thread(target=lambda: seen.append(clients.get()))
    worker.start()
    worker.join()
    assert seen[0] is not mine and not seen[0].is_closed
    later = threading.Thread(target=clients.get)  # a new thread: the ended one's client goes
    later.start()
    later.join()
    assert seen[0].is_closed and not mine.is_closed
    clients.close()
    assert all(c.is_closed for c in made)


def test_a_client_given_by_the_caller_is_shared_and_closed_once() -> None:
    given = httpx.Client()
    clients = ClientPerThread(lambda: given)
    worker = threading.Thread(target=clients.get)
    worker.start()
    worker.join()
    assert clients.get() is given and not given.is_closed
    clients.close()
    assert given.is_closed
