def service(request):
    return {}
