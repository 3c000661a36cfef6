// Replacements, linked with `--wrap`, for the few glibc symbols newer than provided.al2023's glibc
// 2.34 that the static Swift stdlib and GCC 12's static libstdc++/libgcc_eh reference. The Swift
// code never calls these; the linker routes the references here (Package.swift, bootstrap).
#ifndef GLIBC_COMPAT_H
#define GLIBC_COMPAT_H
#endif
