//! The client's call path, natively: see the module docs of each test group.
