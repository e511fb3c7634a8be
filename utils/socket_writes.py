"""Writing to a gevent socket in as few system calls as it takes."""


def send_all(sock, data):
    """`sock.sendall`, in one system call when the data fits the socket's buffer
    (gevent's `sendall` asks the buffer's size first: two calls for every write)."""
    view = memoryview(data)
    while view:
        view = view[sock.send(view):]
