# The Debian package: `cpack -G DEB` in a release build directory (README: "Install on many
# machines"). Everything installs under /usr; the program finds its assets in
# ../share/deploysim relative to itself, so it runs from any directory.

# The desktop menu entry and its icon.
install(FILES "${CMAKE_SOURCE_DIR}/packaging/deploysim.desktop" DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
install(FILES "${CMAKE_SOURCE_DIR}/packaging/deploysim.svg"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps")

# Debian's documentation files: the copyright file names the licences of what the binary links;
# the changelog compressed the way dpkg-deb expects (gzip -9n: no name, no time stamp).
set(_doc "${CMAKE_INSTALL_DATADIR}/doc/deploysim")
install(FILES "${CMAKE_SOURCE_DIR}/packaging/copyright" DESTINATION "${_doc}")
find_program(GZIP_PROGRAM gzip REQUIRED)
add_custom_command(
  OUTPUT "${CMAKE_BINARY_DIR}/packaging/changelog.gz"
  COMMAND "${CMAKE_COMMAND}" -E make_directory "${CMAKE_BINARY_DIR}/packaging"
  COMMAND "${GZIP_PROGRAM}" -9n -c "${CMAKE_SOURCE_DIR}/packaging/changelog" > "${CMAKE_BINARY_DIR}/packaging/changelog.gz"
  DEPENDS "${CMAKE_SOURCE_DIR}/packaging/changelog"
  VERBATIM)
set(_package_outputs "${CMAKE_BINARY_DIR}/packaging/changelog.gz")
install(FILES "${CMAKE_BINARY_DIR}/packaging/changelog.gz" DESTINATION "${_doc}")

# The man page, made from the program's own --help by help2man (scripts/setup-deps.sh installs it).
find_program(HELP2MAN_PROGRAM help2man)
if(HELP2MAN_PROGRAM)
  add_custom_command(
    OUTPUT "${CMAKE_BINARY_DIR}/packaging/deploysim.1.gz"
    # (A sanitizer build's leak report at exit would fail the command; the page is the same.)
    COMMAND "${CMAKE_COMMAND}" -E env ASAN_OPTIONS=detect_leaks=0 bash "${CMAKE_SOURCE_DIR}/packaging/manpage.sh"
            "$<TARGET_FILE:deploysim>"
            "${CMAKE_BINARY_DIR}/packaging/deploysim.1"
    COMMAND "${GZIP_PROGRAM}" -9nf "${CMAKE_BINARY_DIR}/packaging/deploysim.1"
    DEPENDS deploysim "${CMAKE_SOURCE_DIR}/packaging/manpage.sh"
    VERBATIM)
  list(APPEND _package_outputs "${CMAKE_BINARY_DIR}/packaging/deploysim.1.gz")
  install(FILES "${CMAKE_BINARY_DIR}/packaging/deploysim.1.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
else()
  message(STATUS "help2man not found: no man page (scripts/setup-deps.sh installs it)")
endif()
add_custom_target(package_files ALL DEPENDS ${_package_outputs})

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "deploysim")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_PACKAGE_CONTACT "The deploysim authors <deploysim@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "teaches how a web application is deployed, step by step")
# CPack writes the summary as the synopsis line and this as the extended description.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
   "deploysim simulates what happens between a browser asking for an HTTPS
address and a Uvicorn/FastAPI worker answering (DNS, TCP, the TLS handshake
with real OpenSSL bytes, SNI at a TLS termination proxy) and what keeps that
path alive over weeks: certificate renewal, restarts under systemd, Docker,
Kubernetes or supervisord, start on boot, replication, memory, migrations.
It has lessons in English and Korean, a window to step through them, and a
command line for narrated walkthroughs and exports.")
set(CPACK_DEBIAN_PACKAGE_SECTION "education")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Named, not bundled: Debian 12's library packages (what dpkg-shlibdeps finds for this binary),
# or-ed with the names Ubuntu 24.04 gave them in the 64-bit time_t transition; the GL and EGL
# loaders GLFW opens; the fonts the GUI uses (Hangul from fonts-nanum).
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6 (>= 2.34), libstdc++6 (>= 11), libgcc-s1 (>= 3.0), libssl3 (>= 3.0.0) | libssl3t64, libfmt9 (>= 9.1.0), libtomlplusplus3 (>= 3.2.0) | libtomlplusplus3t64, libstb0 | libstb0t64, libglfw3 (>= 3.2), libgl1, libegl1, fonts-dejavu-core, fonts-nanum")
include(CPack)
