//! A scripted transport on a virtual clock (tests only).
