# The page (scripts/build-web.sh): the whole program, window included, as a folder of static files
# (build/web/page: index.html, deploysim.js, deploysim.wasm, deploysim.data, which holds the
# assets and the fonts at the paths an installed deploysim uses, and the recorded TLS transcripts).
set(DEPLOYSIM_PAGE_DIR "${CMAKE_BINARY_DIR}/page")
set(DEPLOYSIM_RECORDED_TLS "" CACHE FILEPATH "The TLS transcripts recorded by the native build (deploysim record-tls)")

add_executable(deploysim_page "${CMAKE_CURRENT_SOURCE_DIR}/main.cpp")
target_link_libraries(deploysim_page PRIVATE deploysim_cli deploysim_gui)
target_compile_definitions(deploysim_page PRIVATE DEPLOYSIM_WITH_GUI=1)
set_target_properties(deploysim_page PROPERTIES OUTPUT_NAME deploysim RUNTIME_OUTPUT_DIRECTORY "${DEPLOYSIM_PAGE_DIR}")

# What the page's file system holds: an installed deploysim's layout (/deploysim/bin/deploysim
# finds /deploysim/share/deploysim), and the fonts where Debian installs them.
set(_share "/deploysim/share/deploysim")
# SHELL: keeps CMake from merging the repeated --preload-file options into one.
set(_preload "SHELL:--preload-file ${CMAKE_SOURCE_DIR}/assets@${_share}")
foreach(_font truetype/dejavu/DejaVuSans.ttf truetype/dejavu/DejaVuSansMono.ttf)
  if(NOT EXISTS "/usr/share/fonts/${_font}")
    message(FATAL_ERROR "/usr/share/fonts/${_font} is missing: scripts/setup-deps.sh installs the fonts")
  endif()
  list(APPEND _preload "SHELL:--preload-file /usr/share/fonts/${_font}@/usr/share/fonts/${_font}")
endforeach()

target_link_options(deploysim_page PRIVATE
  -sUSE_GLFW=3 -sUSE_WEBGL2=1 -sFULL_ES3=1 -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2
  -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=64MB -sENVIRONMENT=web -sEXIT_RUNTIME=0
  "-sEXPORTED_FUNCTIONS=_main,_malloc,_free" "-sEXPORTED_RUNTIME_METHODS=FS,ENV"
  ${_preload})
# The data file changes with the assets, which the linker does not know of.
file(GLOB_RECURSE _page_assets CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/assets/*")
set_property(TARGET deploysim_page APPEND PROPERTY LINK_DEPENDS ${_page_assets})

# The page itself: our own HTML (no emscripten shell), an icon, and the licences.
set(_page_files)
# The Korean font (4.7 MB) is fetched by the page beside the data, and waited for only when the
# page starts in Korean (web/index.html).
set(_korean_font "/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
if(NOT EXISTS "${_korean_font}")
  message(FATAL_ERROR "${_korean_font} is missing: scripts/setup-deps.sh installs fonts-nanum")
endif()
# The fonts' licences go with them (OFL-1.1 for NanumGothic; DejaVu's Bitstream Vera licence,
# in deploysim.data): the copyright files of the Debian packages the fonts come from.
set(_page_licences "/usr/share/doc/fonts-nanum/copyright=LICENSE-NanumGothic.txt"
    "/usr/share/doc/fonts-dejavu-core/copyright=LICENSE-DejaVu.txt")
# The libraries compiled into the page (cmake/web-deps.cmake) carry their notices too: the
# copyright files of the Debian packages whose headers it is built from.
foreach(_pkg libfmt-dev=fmt libtomlplusplus-dev=tomlplusplus nlohmann-json3-dev=nlohmann-json libcli11-dev=CLI11
        libstb-dev=stb)
  string(REGEX REPLACE "=.*" "" _deb "${_pkg}")
  string(REGEX REPLACE ".*=" "" _name "${_pkg}")
  list(APPEND _page_licences "/usr/share/doc/${_deb}/copyright=LICENSE-${_name}.txt")
endforeach()
foreach(_pair ${_page_licences})
  string(REGEX REPLACE "=.*" "" _from "${_pair}")
  if(NOT EXISTS "${_from}")
    message(FATAL_ERROR "${_from} is missing: scripts/setup-deps.sh installs the fonts and libraries")
  endif()
endforeach()
foreach(_pair "${_korean_font}=NanumGothic.ttf" "web/index.html=index.html" "packaging/deploysim.svg=favicon.svg" "LICENSE=LICENSE.txt"
        "third_party/imgui/LICENSE.txt=LICENSE-imgui.txt" ${_page_licences})
  string(REPLACE "=" ";" _pair "${_pair}")
  list(GET _pair 0 _from)
  list(GET _pair 1 _to)
  if(NOT IS_ABSOLUTE "${_from}")
    set(_from "${CMAKE_SOURCE_DIR}/${_from}")
  endif()
  add_custom_command(OUTPUT "${DEPLOYSIM_PAGE_DIR}/${_to}"
    COMMAND "${CMAKE_COMMAND}" -E copy "${_from}" "${DEPLOYSIM_PAGE_DIR}/${_to}"
    DEPENDS "${_from}")
  list(APPEND _page_files "${DEPLOYSIM_PAGE_DIR}/${_to}")
endforeach()
# The recorded handshakes (21 MB of JSON, 4 MB compressed) are not in the data the page waits for
# before its first frame: the page fetches them compressed meanwhile (web/index.html).
if(DEPLOYSIM_RECORDED_TLS)
  add_custom_command(OUTPUT "${DEPLOYSIM_PAGE_DIR}/recorded-tls.json.gz"
    COMMAND sh -c "gzip -9 -n -c \"$0\" > \"$1\"" "${DEPLOYSIM_RECORDED_TLS}" "${DEPLOYSIM_PAGE_DIR}/recorded-tls.json.gz"
    DEPENDS "${DEPLOYSIM_RECORDED_TLS}" VERBATIM)
  list(APPEND _page_files "${DEPLOYSIM_PAGE_DIR}/recorded-tls.json.gz")
endif()
add_custom_target(deploysim_page_files ALL DEPENDS ${_page_files})
add_dependencies(deploysim_page deploysim_page_files)
