//! Request building and validation against the wire format of the API reference.
