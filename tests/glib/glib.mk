# ---------------------------------------------------------------- glib main loop
# (the suite on a su_glib root driven by GMainLoop: to come)
