import sys

if sys.argv[1:2] == ["staff"]:
    # Staff accounts live with the console (web/staff); imported only for this sub-command.
    from web.staff.cli import main as staff_main

    sys.exit(staff_main(sys.argv[2:]))

from booking.cli import main

sys.exit(main())
